// A client token's limits between the form (text in every field) and the admin API (numbers,
// a list of models, null for "no limit"). What is not a number is sent as typed, so the server
// names the mistake instead of the form turning it into "no limit".

/** Empty form values. */
export function emptyLimits() {
  return { owner: '', budgetUsd: '', period: 'month', rpm: '', tpm: '', models: '', expires: '' };
}

/** The API's view of a token → form values. */
export function limitsToForm(owner, limits) {
  return {
    owner: owner ?? '',
    budgetUsd: limits?.budgetUsd == null ? '' : String(limits.budgetUsd),
    period: limits?.period ?? 'month',
    rpm: limits?.rpm == null ? '' : String(limits.rpm),
    tpm: limits?.tpm == null ? '' : String(limits.tpm),
    models: (limits?.models ?? []).join(', '),
    expires: limits?.expires ?? '',
  };
}

function number(text, pattern) {
  const t = text.trim();
  if (t === '') return null;
  return pattern.test(t) ? Number(t) : t;
}

/** Form values → the body of POST/PUT /_/api/tokens (empty fields are left out: no limit). */
export function formToBody(form) {
  const body = {};
  if (form.owner.trim()) body.owner = form.owner.trim();
  const budget = number(form.budgetUsd, /^\d+(\.\d+)?$/);
  if (budget != null) body.budgetUsd = budget;
  body.period = form.period;
  const rpm = number(form.rpm, /^-?\d+$/);
  if (rpm != null) body.rpm = rpm;
  const tpm = number(form.tpm, /^-?\d+$/);
  if (tpm != null) body.tpm = tpm;
  if (form.models.trim()) body.models = form.models.split(',').map((m) => m.trim());
  if (form.expires.trim()) body.expires = form.expires.trim();
  return body;
}

/** Spend against budget as a fraction from 0 to 1 (over budget shows full), null without a budget. */
export function spentShare(usage) {
  if (!usage?.budgetMicros) return null;
  return Math.min(1, usage.spentMicros / usage.budgetMicros);
}
