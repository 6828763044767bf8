import { assertEquals, assertThrows } from "@std/assert";
import { CliError, ExitCode } from "../../../src/cli/cli_error.ts";
import { byteSizeValue, integerValue } from "../../../src/cli/flags/flag_values.ts";

const PORT = { name: "port", min: 0, max: 65535 };

// Read as JavaScript reads numbers, as the CLI always has: spaces, hex and "" (zero) pass.
const INTEGERS: { raw: string; value: number }[] = [
  { raw: "7777", value: 7777 },
  { raw: "0", value: 0 },
  { raw: "65535", value: 65535 },
  { raw: " 12 ", value: 12 },
  { raw: "0x10", value: 16 },
  { raw: "1e3", value: 1000 },
  { raw: "", value: 0 },
];

Deno.test("integerValue() reads whole numbers within the range", () => {
  for (const { raw, value } of INTEGERS) {
    assertEquals(integerValue(raw, PORT), value, JSON.stringify(raw));
  }
});

const NOT_INTEGERS = ["abc", "70000", "-1", "1.5", "12abc", "Infinity", "NaN"];

Deno.test("integerValue() refuses anything else with a sentence that names the flag and range", () => {
  for (const raw of NOT_INTEGERS) {
    const error = assertThrows(
      () => integerValue(raw, PORT),
      CliError,
      `--port must be a whole number from 0 to 65535, not "${raw}".`,
    );
    assertEquals(error.exitCode, ExitCode.USAGE, raw);
  }
});

const SIZES: { raw: string; bytes: number }[] = [
  { raw: "1", bytes: 1 },
  { raw: "100b", bytes: 100 },
  { raw: "4G", bytes: 4 * 1024 ** 3 },
  { raw: "4g", bytes: 4 * 1024 ** 3 },
  { raw: "500M", bytes: 500 * 1024 ** 2 },
  { raw: "500MiB", bytes: 500 * 1024 ** 2 },
  { raw: "500MB", bytes: 500_000_000 },
  { raw: "1.5 KB", bytes: 1500 },
  { raw: "1.5K", bytes: 1536 },
  { raw: " 2T ", bytes: 2 * 1024 ** 4 },
  { raw: "10GB", bytes: 10_000_000_000 },
];

Deno.test("byteSizeValue() reads bytes with K, M, G, T in powers of 1024 and KB, MB… of 1000", () => {
  for (const { raw, bytes } of SIZES) {
    assertEquals(byteSizeValue(raw, "max-file-size"), bytes, JSON.stringify(raw));
  }
});

const NOT_SIZES = ["", "0", "0.4", "4X", "G", "-1G", "4 G B", "1e3", "99999999999T"];

Deno.test("byteSizeValue() refuses anything else with a sentence that names the flag", () => {
  for (const raw of NOT_SIZES) {
    const error = assertThrows(
      () => byteSizeValue(raw, "max-file-size"),
      CliError,
      `--max-file-size must be a size such as 500M or 4G, not "${raw}".`,
    );
    assertEquals(error.exitCode, ExitCode.USAGE, raw);
  }
});
