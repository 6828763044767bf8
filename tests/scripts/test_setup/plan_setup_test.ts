import { assertEquals } from "@std/assert";
import { type NeededPackage, planSetup, type SetupPlan } from "../../../scripts/test_setup/mod.ts";

const CHROMIUM = { name: "chromium", proof: "/usr/bin/chromium", neededBy: "the browser tests" };
const TMUX = { name: "tmux", proof: "tmux", neededBy: "the terminal tests" };
const NATS = { name: "nats-server", proof: "nats-server", neededBy: "the cluster tests" };
const IPROUTE = { name: "iproute2", proof: "/usr/sbin/ip", neededBy: "the cluster tests" };
const ALL = [CHROMIUM, TMUX, NATS, IPROUTE];

/** A machine with exactly these executables (paths or commands on PATH). */
function machine(has: string[], isRoot: boolean) {
  return { has: (proof: string) => has.includes(proof), isRoot };
}

const CASES: {
  name: string;
  packages: NeededPackage[];
  has: string[];
  isRoot: boolean;
  plan: SetupPlan;
}[] = [
  {
    name: "runs when everything is there, as root",
    packages: ALL,
    has: ["/usr/bin/chromium", "tmux", "nats-server", "/usr/sbin/ip", "apt-get"],
    isRoot: true,
    plan: { action: "run" },
  },
  {
    name: "runs when everything is there, without root or apt-get",
    packages: ALL,
    has: ["/usr/bin/chromium", "tmux", "nats-server", "/usr/sbin/ip"],
    isRoot: false,
    plan: { action: "run" },
  },
  {
    name: "runs when nothing is needed",
    packages: [],
    has: [],
    isRoot: false,
    plan: { action: "run" },
  },
  {
    name: "installs only what is missing, as root with apt-get",
    packages: ALL,
    has: ["tmux", "/usr/sbin/ip", "apt-get"],
    isRoot: true,
    plan: {
      action: "install",
      packages: [CHROMIUM, NATS],
      announcement: "Installing chromium and nats-server with apt-get: the browser tests need " +
        "Debian's chromium and the cluster tests need nats-server.",
    },
  },
  {
    name: "installs one package",
    packages: ALL,
    has: ["/usr/bin/chromium", "nats-server", "/usr/sbin/ip", "apt-get"],
    isRoot: true,
    plan: {
      action: "install",
      packages: [TMUX],
      announcement: "Installing tmux with apt-get: the terminal tests need Debian's tmux.",
    },
  },
  {
    name: "refuses without root, naming what to install",
    packages: [CHROMIUM, TMUX],
    has: ["apt-get"],
    isRoot: false,
    plan: {
      action: "refuse",
      message: "The browser tests need Debian's chromium and the terminal tests need tmux; " +
        "install them (apt-get install chromium tmux) or run this as root on Debian.",
    },
  },
  {
    name: "refuses as root without apt-get",
    packages: [CHROMIUM, TMUX],
    has: ["/usr/bin/chromium"],
    isRoot: true,
    plan: {
      action: "refuse",
      message: "The terminal tests need Debian's tmux; install it (apt-get install tmux) or run " +
        "this as root on Debian.",
    },
  },
  {
    name: "names packages needed by the same tests in one clause",
    packages: ALL,
    has: ["tmux"],
    isRoot: false,
    plan: {
      action: "refuse",
      message: "The browser tests need Debian's chromium and the cluster tests need nats-server " +
        "and iproute2; install them (apt-get install chromium nats-server iproute2) or run " +
        "this as root on Debian.",
    },
  },
  {
    name: "names three groups with commas",
    packages: [TMUX, NATS, CHROMIUM],
    has: [],
    isRoot: false,
    plan: {
      action: "refuse",
      message: "The terminal tests need Debian's tmux, the cluster tests need nats-server and " +
        "the browser tests need chromium; install them (apt-get install tmux nats-server " +
        "chromium) or run this as root on Debian.",
    },
  },
  {
    name: "does not take a file named like a command for the command",
    packages: [TMUX],
    has: ["/usr/bin/tmux"],
    isRoot: false,
    plan: {
      action: "refuse",
      message: "The terminal tests need Debian's tmux; install it (apt-get install tmux) or run " +
        "this as root on Debian.",
    },
  },
];

Deno.test("planSetup() runs, installs the missing packages or refuses with one sentence", () => {
  for (const { name, packages, has, isRoot, plan } of CASES) {
    assertEquals(planSetup(packages, machine(has, isRoot)), plan, name);
  }
});

const AFTER_INSTALL: { name: string; has: string[]; plan: SetupPlan }[] = [
  {
    name: "runs when apt-get brought everything",
    has: ["/usr/bin/chromium", "tmux", "nats-server", "/usr/sbin/ip", "apt-get"],
    plan: { action: "run" },
  },
  {
    name: "refuses instead of installing again when a path is still missing",
    has: ["tmux", "nats-server", "/usr/sbin/ip", "apt-get"],
    plan: {
      action: "refuse",
      message: "apt-get installed chromium but /usr/bin/chromium is still missing; the browser " +
        "tests need Debian's chromium, so install it by hand and run the tests again.",
    },
  },
  {
    name: "names a command still missing from PATH as a command",
    has: ["/usr/bin/chromium", "nats-server", "apt-get"],
    plan: {
      action: "refuse",
      message: "apt-get installed tmux and iproute2 but the tmux command and /usr/sbin/ip are " +
        "still missing; the terminal tests need Debian's tmux and the cluster tests need " +
        "iproute2, so install them by hand and run the tests again.",
    },
  },
];

Deno.test("planSetup() after an install refuses what is still missing, never installs again", () => {
  for (const { name, has, plan } of AFTER_INSTALL) {
    assertEquals(planSetup(ALL, machine(has, true), { afterInstall: true }), plan, name);
  }
});
