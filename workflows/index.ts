export { caseWorkflow } from './case';
export { ledgerWorkflow } from './ledger';
export { spotCheckRoundWorkflow } from './spot-check';
