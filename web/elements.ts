/**
 * The page's elements, found once by id and typed, and the one way this client makes new ones:
 * text is only ever added as text nodes, never parsed as HTML, so nothing people send can become
 * markup or script.
 *
 * @module
 */

/** Looks up `#id`, which index.html must have, as an element of `type`. */
function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new TypeError(`The page has no ${type.name} #${id}`);
  return element;
}

/** Every element of index.html this client uses. */
export interface PageElements {
  loginPage: HTMLElement;
  login: HTMLFormElement;
  nick: HTMLInputElement;
  passkey: HTMLInputElement;
  passkeyField: HTMLElement;
  invited: HTMLElement;
  linkField: HTMLDetailsElement;
  linkCode: HTMLInputElement;
  hostField: HTMLDetailsElement;
  operatorKey: HTMLInputElement;
  loginButton: HTMLButtonElement;
  loginError: HTMLElement;
  chatPage: HTMLElement;
  roomName: HTMLElement;
  roomAbout: HTMLElement;
  roomFlags: HTMLElement;
  roomTopic: HTMLElement;
  status: HTMLElement;
  themeToggle: HTMLButtonElement;
  inviteButton: HTMLButtonElement;
  inviteDialog: HTMLDialogElement;
  inviteQr: HTMLElement;
  inviteLink: HTMLAnchorElement;
  inviteExpires: HTMLElement;
  linkButton: HTMLButtonElement;
  linkCodeShown: HTMLOutputElement;
  sidebarToggle: HTMLButtonElement;
  rooms: HTMLUListElement;
  conversationsNav: HTMLElement;
  conversations: HTMLUListElement;
  users: HTMLUListElement;
  soundToggle: HTMLInputElement;
  notifyField: HTMLElement;
  notifyToggle: HTMLInputElement;
  notifyNote: HTMLElement;
  roomAlertsField: HTMLElement;
  roomAlerts: HTMLSelectElement;
  messages: HTMLElement;
  jumpLatest: HTMLButtonElement;
  typing: HTMLElement;
  outbox: HTMLUListElement;
  transfers: HTMLElement;
  composer: HTMLFormElement;
  input: HTMLTextAreaElement;
  fileInput: HTMLInputElement;
  uploadButton: HTMLButtonElement;
  dropHint: HTMLElement;
}

/**
 * Finds the page's elements; throws `TypeError` naming the first one missing.
 *
 * @example
 * ```ts ignore
 * const page = findElements();
 * page.input.focus();
 * ```
 */
export function findElements(): PageElements {
  return {
    loginPage: byId("login-page", HTMLElement),
    login: byId("login", HTMLFormElement),
    nick: byId("nick", HTMLInputElement),
    passkey: byId("passkey", HTMLInputElement),
    passkeyField: byId("passkey-field", HTMLElement),
    invited: byId("invited", HTMLElement),
    linkField: byId("link-field", HTMLDetailsElement),
    linkCode: byId("link-code", HTMLInputElement),
    hostField: byId("host-field", HTMLDetailsElement),
    operatorKey: byId("operator-key", HTMLInputElement),
    loginButton: byId("login-button", HTMLButtonElement),
    loginError: byId("login-error", HTMLElement),
    chatPage: byId("chat-page", HTMLElement),
    roomName: byId("room-name", HTMLElement),
    roomAbout: byId("room-about", HTMLElement),
    roomFlags: byId("room-flags", HTMLElement),
    roomTopic: byId("room-topic", HTMLElement),
    status: byId("status", HTMLElement),
    themeToggle: byId("theme-toggle", HTMLButtonElement),
    inviteButton: byId("invite-button", HTMLButtonElement),
    inviteDialog: byId("invite-dialog", HTMLDialogElement),
    inviteQr: byId("invite-qr", HTMLElement),
    inviteLink: byId("invite-link", HTMLAnchorElement),
    inviteExpires: byId("invite-expires", HTMLElement),
    linkButton: byId("link-button", HTMLButtonElement),
    linkCodeShown: byId("link-code-shown", HTMLOutputElement),
    sidebarToggle: byId("sidebar-toggle", HTMLButtonElement),
    rooms: byId("rooms", HTMLUListElement),
    conversationsNav: byId("conversations-nav", HTMLElement),
    conversations: byId("conversations", HTMLUListElement),
    users: byId("users", HTMLUListElement),
    soundToggle: byId("sound-toggle", HTMLInputElement),
    notifyField: byId("notify-field", HTMLElement),
    notifyToggle: byId("notify-toggle", HTMLInputElement),
    notifyNote: byId("notify-note", HTMLElement),
    roomAlertsField: byId("room-alerts-field", HTMLElement),
    roomAlerts: byId("room-alerts", HTMLSelectElement),
    messages: byId("messages", HTMLElement),
    jumpLatest: byId("jump-latest", HTMLButtonElement),
    typing: byId("typing", HTMLElement),
    outbox: byId("outbox", HTMLUListElement),
    transfers: byId("transfers", HTMLElement),
    composer: byId("composer", HTMLFormElement),
    input: byId("input", HTMLTextAreaElement),
    fileInput: byId("file-input", HTMLInputElement),
    uploadButton: byId("upload-button", HTMLButtonElement),
    dropHint: byId("drop-hint", HTMLElement),
  };
}

/** What {@linkcode el} sets on a new element besides its children. */
export interface ElementOptions {
  className?: string;
  /** Attributes, such as `aria-label` or `title`. */
  attrs?: Record<string, string>;
  /** `data-*` attributes, by their dataset name. */
  data?: Record<string, string>;
}

/**
 * Creates an element; string children become text nodes, never HTML.
 *
 * @example
 * ```ts ignore
 * el("span", { className: "from" }, "<b>not bold</b>"); // the text, shown as typed
 * ```
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.className !== undefined) element.className = options.className;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    element.setAttribute(name, value);
  }
  Object.assign(element.dataset, options.data);
  element.append(...children);
  return element;
}
