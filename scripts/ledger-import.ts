/**
 * `npm run ledger:import -- 旧台账.xlsx [--by 姓名] [--check]`: brings the closed cases of the county's old ledger into a
 * running Huiying (same configuration as `npm start`), so that the first spot-check rounds draw from them and lists,
 * metrics and the ledger export of those months show them. Every row is checked first; one bad cell imports nothing.
 * `npm run ledger:import -- --template 旧台账.xlsx` writes an empty sheet with the headers it reads.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { deriveSecret } from '../api/ids';
import { ConfigError } from '../config';
import { loadUnitDirectory } from '../config/units';
import { loadConfig } from '../config';
import { HISTORICAL_LEDGER_COLUMNS } from '../domain/historical-ledger';
import { importHistoricalCases } from './historical-import';
import { historicalWorkbook, readHistoricalSheet } from './historical-sheet';
import { seedTarget } from './seed';

const USAGE = `usage: npm run ledger:import -- <旧台账.xlsx> [--by 姓名] [--check]
       npm run ledger:import -- --template <file.xlsx>
Columns (first row): ${Object.values(HISTORICAL_LEDGER_COLUMNS).join(' ')} (地点 and 满意度 may be empty).`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { template: { type: 'string' }, by: { type: 'string' }, check: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.template) {
    const units = loadUnitDirectory(loadConfig().files.units).units;
    await fs.writeFile(values.template, await historicalWorkbook([], units));
    console.log(`wrote ${values.template}: fill one closed case per row, then npm run ledger:import -- ${values.template}`);
    return 0;
  }
  if (values.help || positionals.length !== 1) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const file = positionals[0];
  const units = loadUnitDirectory(loadConfig().files.units).units;
  const { records, problems } = await readHistoricalSheet(await fs.readFile(file), units, new Date());
  if (problems.length > 0) {
    for (const p of problems.slice(0, 100)) console.error(`第 ${p.row} 行「${p.column}」：${p.message}`);
    console.error(`${file}: ${problems.length} problems; nothing was imported. Fix the sheet and run the command again.`);
    return 1;
  }
  if (values.check) {
    console.log(`${file}: ${records.length} closed cases, every row readable (nothing imported: --check).`);
    return 0;
  }
  const target = await seedTarget();
  try {
    const user = os.userInfo().username;
    const report = await importHistoricalCases({ ...target, citizenKeySecret: deriveSecret(target.jwtSecret, 'citizen-key') }, records, {
      importedBy: { id: `ledger-import:${user}`, name: values.by ?? user },
    });
    for (const r of report.refused) console.error(`${r.ledgerNo}: ${r.reason}`);
    console.log(
      `${file}: ${report.imported.length} closed cases imported, ${report.again.length} imported before, ${report.refused.length} refused. ` +
        'Each is a case workflow that starts closed and records its row in the read model; the spot-check round of the month ' +
        'after their closing draws from them (README "Importing the old ledger").',
    );
    return report.refused.length > 0 ? 1 : 0;
  } finally {
    await target.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof ConfigError || err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
