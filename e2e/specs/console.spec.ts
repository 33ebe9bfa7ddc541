import type { Page } from "@playwright/test";
import { expect, showView, test } from "../fixtures.js";

/** Shows the console, waits for its prompt and focuses it; returns what its screen reads. */
async function openConsole(page: Page): Promise<() => Promise<string>> {
  await showView(page, "console");
  const terminal = page.getByTestId("console-terminal");
  await expect(terminal.locator(".xterm-rows")).toContainText(">>>");
  await terminal.click();
  return async () => (await terminal.locator(".xterm-rows").innerText()).replace(/\u00a0/g, " ");
}

test("console: 1+1 prints 2, and a block asks for continuation lines", async ({ workbench: page, snap }) => {
  await showView(page, "console");
  const terminal = page.getByTestId("console-terminal");
  await expect(terminal.locator(".xterm-rows")).toContainText(">>>");
  await terminal.click();
  await page.keyboard.type("1+1");
  await page.keyboard.press("Enter");
  await expect
    .poll(async () => (await terminal.locator(".xterm-rows").innerText()).replace(/\u00a0/g, " "))
    .toMatch(/>>> 1\+1\s*\n2\s*\n>>>/);

  await page.keyboard.type("for i in range(2):");
  await page.keyboard.press("Enter");
  await expect
    .poll(async () => (await terminal.locator(".xterm-rows").innerText()).replace(/\u00a0/g, " "))
    .toContain("... ");
  await page.keyboard.type("    print('row', i)");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await expect
    .poll(async () => (await terminal.locator(".xterm-rows").innerText()).replace(/\u00a0/g, " "))
    .toMatch(/row 0\s*\nrow 1/);
  await snap("console-repl");
});

test("console: Up recalls a block as its lines, and Enter runs it again as it was", async ({
  workbench: page,
  snap,
}) => {
  const screen = await openConsole(page);
  await page.keyboard.type("for i in range(2):");
  await page.keyboard.press("Enter");
  await page.keyboard.type("    print('again', i * 10)");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await expect.poll(screen).toMatch(/again 0\s*\nagain 10\s*\n>>>/);
  await page.keyboard.type("1+1");
  await page.keyboard.press("Enter");
  await expect.poll(screen).toMatch(/\n2\s*\n>>>/);
  // Up twice: past "1+1" to the block, shown as the lines it was (joined with "; " it was a SyntaxError).
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp");
  // The block's closing blank line comes back too, so one Enter runs it.
  await expect.poll(screen).toMatch(/>>> for i in range\(2\):\s*\n\.\.\. {5}print\('again', i \* 10\)\s*\n\.\.\.\s*$/);
  await snap("console-history-block");
  await page.keyboard.press("Enter");
  await expect.poll(async () => ((await screen()).match(/again 10/g) ?? []).length).toBe(2);
  expect(await screen()).not.toContain("SyntaxError");
});

test("console: editing a line wider than the terminal changes what is shown and what runs alike", async ({
  workbench: page,
  snap,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const screen = await openConsole(page);
  const digits = "0123456789".repeat(25); // 250 characters: the line wraps over several rows
  await page.keyboard.type(`s = '${digits}'`);
  for (let i = 0; i < 150; i++) await page.keyboard.press("ArrowLeft");
  await page.keyboard.type("#");
  await page.keyboard.press("Enter");
  await expect.poll(screen).toMatch(/89'\s*\n>>>\s*$/); // the prompt is back
  await page.keyboard.type("s.index('#'), len(s)");
  await page.keyboard.press("Enter");
  // 250 + "s = '" + "'" = 256 characters; 150 left of the end is index 106 of the line, so 101 of the string.
  await expect.poll(screen).toMatch(/\(101, 251\)/);
  // What the screen showed is the string that ran: the '#' follows the same digit there.
  expect((await screen()).replace(/\n/g, "")).toContain(`${digits.slice(96, 101)}#${digits.slice(101, 106)}`);
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp"); // the wide line again, then Down: no rows of it stay behind
  await page.keyboard.press("ArrowDown");
  await expect.poll(screen).toMatch(/>>> s\.index\('#'\), len\(s\)\s*$/);
  await snap("console-wide-line-1024");
});

test("console: a wrapped line being typed is drawn again after a resize, and runs as shown", async ({
  workbench: page,
  snap,
}) => {
  const screen = await openConsole(page);
  const letters = "abcdefghijklmnopqrstuvwxyz".repeat(12); // 312 characters: two rows at 1440, three at 1024
  await page.keyboard.type(`s = '${letters}'`);
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.waitForTimeout(400); // the console redraws once the resize has settled
  await page.keyboard.press("ArrowLeft"); // before the closing quote
  await page.keyboard.type("X");
  await snap("console-resized-line-1024");
  await page.keyboard.press("Enter");
  await expect.poll(screen).toMatch(/\n>>>\s*$/);
  await page.keyboard.type("len(s), s[-3:]");
  await page.keyboard.press("Enter");
  await expect.poll(screen).toMatch(/\(313, 'yzX'\)/);
});

test("console: Tab completes names and attributes from the session", async ({ workbench: page, snap }) => {
  const screen = await openConsole(page);
  await page.keyboard.type("import collections");
  await page.keyboard.press("Enter");
  await expect.poll(screen).toMatch(/import collections\s*\n>>>/);
  await page.keyboard.type("collections.Ordered");
  await page.keyboard.press("Tab");
  await expect.poll(screen).toContain("collections.OrderedDict");
  await page.keyboard.type("(a=1)");
  await page.keyboard.press("Enter");
  await expect.poll(screen).toMatch(/OrderedDict\(.*'a', 1/);
  // Several matches with no longer common prefix are listed.
  await page.keyboard.type("collections.");
  await page.keyboard.press("Tab");
  await expect.poll(screen).toMatch(/Counter\s+.*deque|deque\s+.*Counter/);
  await snap("console-tab-completion-1440");
  await page.setViewportSize({ width: 1024, height: 700 });
  await snap("console-tab-completion-1024");
});

test("console: pasted code with blank lines inside a function runs whole", async ({ workbench: page, snap }) => {
  const screen = await openConsole(page);
  // A paste event, as the browser sends xterm for the user's paste: the blank line used to end the function there.
  const code = "def g():\n    b = 2\n\n    return b\nprint('g says', g())\nprint('last line')";
  await page.evaluate(`(() => {
    const data = new DataTransfer();
    data.setData("text/plain", ${JSON.stringify(code)});
    const target = document.querySelector('[data-testid="console-terminal"] textarea');
    target.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  })()`);
  await expect.poll(screen).toContain("... print('g says', g())");
  await page.keyboard.press("Enter");
  await expect.poll(screen).toMatch(/g says 2\s*\nlast line/);
  await snap("console-paste");
});
