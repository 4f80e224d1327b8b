// One modal form for every edit (an order's prices, a position's brackets): native <dialog>, so focus,
// Escape and the keyboard behave as the browser makes them; the service's refusal stays in the dialog.
import { byId, h, messageOf, numberOf } from "./dom";

export interface Field {
  name: string;
  label: string;
  value: number | undefined;
  step?: number;
}

/** Asks for `fields`; `save` gets their values (undefined when left empty) and closes the dialog when it resolves. */
export function editInDialog(
  title: string,
  fields: readonly Field[],
  save: (values: Record<string, number | undefined>) => Promise<void>,
): void {
  const dialog = byId("edit-dialog", HTMLDialogElement);
  const form = byId("edit-form", HTMLFormElement);
  const error = byId("edit-error", HTMLElement);
  byId("edit-title", HTMLElement).textContent = title;
  error.textContent = "";
  const inputs = fields.map((field) =>
    h("input", {
      name: field.name,
      type: "number",
      inputmode: "decimal",
      step: field.step ?? "any",
      value: field.value === undefined ? "" : String(field.value),
    }),
  );
  byId("edit-fields", HTMLElement).replaceChildren(
    ...fields.map((field, index) => h("label", {}, `${field.label} `, inputs[index])),
  );
  const cancel = byId("edit-cancel", HTMLButtonElement);
  const done = new AbortController();
  cancel.addEventListener("click", () => dialog.close(), { signal: done.signal });
  dialog.addEventListener("close", () => done.abort(), { signal: done.signal });
  form.addEventListener(
    "submit",
    (event) => {
      event.preventDefault();
      const values = Object.fromEntries(inputs.map((input) => [input.name, numberOf(input)]));
      error.textContent = "";
      save(values).then(
        () => dialog.close(),
        (refused: unknown) => {
          error.textContent = messageOf(refused);
        },
      );
    },
    { signal: done.signal },
  );
  dialog.showModal();
  inputs[0]?.focus();
}
