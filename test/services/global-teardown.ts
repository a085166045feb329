/** Jest global teardown: stops what global-setup.ts started (a killed run is covered by the process reaper). */
export default async function globalTeardown(): Promise<void> {
  const stack = globalThis.__SKC_TEST_SERVICES__;
  globalThis.__SKC_TEST_SERVICES__ = undefined;
  await stack?.stop();
}
