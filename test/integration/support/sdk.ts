// Helpers for tests that drive berthd through dockerode (the Node SDK).
import assert from 'node:assert/strict';

/** The status and message of a rejected dockerode call (it fails the test if the call succeeds). */
export async function sdkError(p: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await p;
  } catch (e: any) {
    return { status: e.statusCode, message: e.json?.message ?? String(e.json ?? e.message) };
  }
  assert.fail('the call should have failed');
}
