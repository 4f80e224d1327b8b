// The API key the page sends: taken from the link `paperbroker serve` prints (`/#key=<key>`), then kept in
// sessionStorage (this tab only, gone when it closes) and removed from the address bar, so it is neither left
// in view nor in the history. With no key, or one the service refused (401), the page shows a small form.
import { byId } from "./dom";

const STORAGE = "paperbroker.apiKey";

/** The key of the link this page was opened with (stored, and taken out of the URL), else the stored one. */
export function takeKey(): string | undefined {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  const given = fragment.get("key")?.trim();
  if (fragment.has("key")) {
    window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
  }
  if (given) sessionStorage.setItem(STORAGE, given);
  return sessionStorage.getItem(STORAGE) ?? undefined;
}

/**
 * Shows the key form instead of the terminal, with why (the service's problem detail); the key entered is
 * stored and the page starts again with it.
 */
export function askForKey(why?: string): void {
  sessionStorage.removeItem(STORAGE);
  const form = byId("key-form", HTMLFormElement);
  const input = byId("key-input", HTMLInputElement);
  byId("key-error", HTMLElement).textContent = why ?? "";
  document.body.dataset["locked"] = "true";
  form.hidden = false;
  input.focus();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (key === "") return;
    sessionStorage.setItem(STORAGE, key);
    window.location.reload();
  });
}
