export { caseWorkflowV2 } from './case';
export { caseWorkflow } from './case-v1';
export { ledgerWorkflow } from './ledger';
export { spotCheckRoundWorkflow } from './spot-check';
