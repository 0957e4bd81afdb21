export { caseWorkflow } from './case';
export { ledgerWorkflow } from './ledger';
