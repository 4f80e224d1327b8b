// The backend the suite runs against, as the Python harness (tests/frontend/test_frontend_suite.py) names it:
// its origin (PAPERBROKER_URL), the local admin user's API key it was started with (PAPERBROKER_KEY, which
// the server took from PAPERBROKER_LOCAL_KEY), and a second account of that user when the harness could
// create one (PAPERBROKER_SECOND_ACCOUNT: only against `serve`, whose store is a file).
import { HttpBroker, type HttpBrokerOptions } from "../src/adapter";

export const baseUrl = process.env.PAPERBROKER_URL ?? "http://127.0.0.1:8000";
export const apiKey = process.env.PAPERBROKER_KEY ?? "pbk_00000000000000a1_local-test-key-0123456789abcdefghij";
export const secondAccount: string | undefined = process.env.PAPERBROKER_SECOND_ACCOUNT || undefined;

/** HttpBroker on the backend with the suite's key (and `options`). */
export function keyed(url = baseUrl, options: HttpBrokerOptions = {}): HttpBroker {
  return new HttpBroker(url, { apiKey, ...options });
}
