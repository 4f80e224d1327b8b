// Small DOM helpers: elements built in code, never from HTML strings, so no value the service sends is markup.

type Attributes = Record<string, string | number | boolean | undefined>;
type Child = Node | string | undefined;

/** `<tag attributes…>children</tag>`; a `false` or undefined attribute is left out, `true` is present. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== undefined) element.append(child);
  return element;
}

/** The element with this id, which index.html must have. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`index.html has no ${type.name} #${id}`);
  return element;
}

const money = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function formatMoney(value: number): string {
  return money.format(value);
}

/** A price with as many decimals as it has, at least two; a missing one is an em dash. */
export function formatPrice(value: number | undefined): string {
  if (value === undefined) return "—";
  const decimals = Math.min(8, Math.max(2, (String(value).split(".")[1] ?? "").length));
  return value.toFixed(decimals);
}

export function formatQty(value: number | undefined): string {
  return value === undefined ? "—" : String(value);
}

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString("en-GB", { hour12: false });
}

/** A number input's value: undefined when it is empty. */
export function numberOf(input: HTMLInputElement): number | undefined {
  return input.value.trim() === "" ? undefined : Number(input.value);
}

/** The message of something thrown: the terminal throws the service's problem detail as an Error. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs a panel's action; what the service refuses is shown in `error`, in its own words. */
export async function reporting(error: HTMLElement, action: () => Promise<void>): Promise<void> {
  error.textContent = "";
  try {
    await action();
  } catch (refused) {
    error.textContent = messageOf(refused);
  }
}
