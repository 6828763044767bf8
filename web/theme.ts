/**
 * Light and dark themes: the system's choice until the toggle is used, then the one chosen,
 * remembered across visits.
 *
 * @module
 */
import { recall, remember } from "./storage.ts";

type Theme = "light" | "dark";

function apply(toggle: HTMLButtonElement, theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  const other = theme === "dark" ? "light" : "dark";
  toggle.textContent = theme === "dark" ? "☀" : "☾";
  toggle.setAttribute("aria-label", `Switch to ${other} theme`);
  toggle.title = `Switch to ${other} theme`;
}

/**
 * Applies the remembered or the system's theme and makes `toggle` switch it.
 *
 * @example
 * ```ts ignore
 * setUpTheme(page.themeToggle);
 * ```
 */
export function setUpTheme(toggle: HTMLButtonElement): void {
  const dark = matchMedia("(prefers-color-scheme: dark)");
  const stored = recall("chat-theme");
  apply(toggle, stored === "dark" || stored === "light" ? stored : dark.matches ? "dark" : "light");
  dark.addEventListener("change", (event) => {
    if (recall("chat-theme") === null) apply(toggle, event.matches ? "dark" : "light");
  });
  toggle.addEventListener("click", () => {
    const next: Theme = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
    remember("chat-theme", next);
    apply(toggle, next);
  });
}
