/**
 * Generates the fixture DICOMs before the specs run. Playwright starts `webServer`
 * before globalSetup, which is fine: the harness only reads the files when a spec
 * presses "Open folder".
 */
import { generateE2eFixtures } from './support/e2eFixtures';

export default function globalSetup(): void {
  const started = Date.now();
  const dir = generateE2eFixtures();
  console.log(`e2e fixtures: ${dir} (${Date.now() - started} ms)`);
}
