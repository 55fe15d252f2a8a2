// The colour theme: system, light or dark, remembered in localStorage. theme-init.js applies the
// saved choice before the first paint; this module owns it afterwards (same key, same attributes).

const KEY = 'codeproxy.theme';
const media = window.matchMedia('(prefers-color-scheme: dark)');

function read() {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' || v === 'system' ? v : 'system';
  } catch {
    return 'system';
  }
}

function createTheme() {
  let pref = $state(read());
  let systemDark = $state(media.matches);
  const resolved = $derived(pref === 'system' ? (systemDark ? 'dark' : 'light') : pref);

  media.addEventListener('change', (e) => {
    systemDark = e.matches;
    apply();
  });

  function apply() {
    const root = document.documentElement;
    const r = pref === 'system' ? (systemDark ? 'dark' : 'light') : pref;
    root.setAttribute('data-theme', r);
    root.setAttribute('data-theme-pref', pref);
    root.style.colorScheme = r;
  }

  return {
    get pref() {
      return pref;
    },
    get resolved() {
      return resolved;
    },
    /** @param {'system' | 'light' | 'dark'} value */
    set(value) {
      pref = value;
      try {
        localStorage.setItem(KEY, value);
      } catch {
        // not remembered; still applied
      }
      apply();
    },
  };
}

export const theme = createTheme();
