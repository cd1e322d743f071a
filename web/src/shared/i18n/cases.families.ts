// Values the cases API sends that the pages look up as `<family>.<value>` keys (checked by i18n.test.ts).
export const CASES_FAMILIES: Record<string, string[]> = {
  'cases.status': ['submitted', 'accepted', 'rejected', 'assigned', 'investigating', 'extended', 'resolved', 'closed', 'merged'],
  'cases.category': ['indifference', 'buck_passing', 'extortion', 'inaction', 'selective_enforcement', 'data_fraud', 'formalism', 'other'],
  'cases.finding': ['substantiated', 'partly', 'unsubstantiated'],
  'cases.action': ['submit', 'accept', 'reject', 'assign', 'investigate', 'extend', 'resolve', 'close', 'transfer', 'accept-transfer', 'decline-transfer', 'revisit', 'merge', 'absorb', 'reopen', 'escalate', 'recategorise'],
  'cases.channel': ['web', 'open311', 'letter', 'hotline', 'visit'],
  'cases.outcome': ['satisfied', 'basically_satisfied', 'dissatisfied', 'unreachable'],
  'cases.actor': ['reporter', 'system'],
  'cases.actionHelp': ['accept', 'investigate', 'close', 'accept-transfer'],
};
