// Short notices in a corner: errors that belong to no field, and confirmations.

let nextId = 1;

function createToasts() {
  /** @type {{id: number, kind: 'ok' | 'error' | 'info', text: string}[]} */
  let list = $state([]);

  function push(kind, text, ms) {
    const id = nextId++;
    // the same text twice in a row (e.g. a retry loop) shows once
    if (list.some((t) => t.text === text && t.kind === kind)) return;
    list.push({ id, kind, text });
    if (list.length > 4) list.shift();
    setTimeout(() => dismiss(id), ms);
  }

  function dismiss(id) {
    const i = list.findIndex((t) => t.id === id);
    if (i >= 0) list.splice(i, 1);
  }

  return {
    get list() {
      return list;
    },
    ok: (text) => push('ok', text, 3500),
    info: (text) => push('info', text, 4500),
    error: (text) => push('error', text, 7000),
    dismiss,
  };
}

export const toasts = createToasts();
