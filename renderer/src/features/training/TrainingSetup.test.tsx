import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { TrainingSetup } from "./TrainingSetup";

const environment = {
  missing: ["torch", "peft"],
  installCommand: "node scripts/setup-python.mjs --extra training",
  canInstall: true,
};

describe("training setup banner", () => {
  it("names what is missing and offers Install", () => {
    const html = renderToStaticMarkup(
      <TrainingSetup environment={environment} install={null} onInstall={() => undefined} />,
    );
    expect(html).toContain("<strong>torch, peft</strong>");
    expect(html).toContain('data-testid="training-install"');
    expect(html).toContain(">Install<");
  });

  it("shows the installer's progress and last line, and Retry after a failure", () => {
    const running = renderToStaticMarkup(
      <TrainingSetup
        environment={environment}
        install={{ running: true, progress: 0.4, line: "Collecting torch", ok: null }}
        onInstall={() => undefined}
      />,
    );
    expect(running).toContain('aria-valuenow="40"');
    expect(running).toContain("Collecting torch");
    expect(running).toMatch(/<button[^>]*disabled=""[^>]*>Installing…<\/button>/);
    const failed = renderToStaticMarkup(
      <TrainingSetup
        environment={{ ...environment, missing: [] }}
        install={{ running: false, progress: 1, line: "pip failed", ok: false }}
        onInstall={() => undefined}
      />,
    );
    expect(failed).toContain("Retry install");
  });

  it("shows nothing when training is installed, and the command when this host cannot install", () => {
    expect(
      renderToStaticMarkup(
        <TrainingSetup environment={{ ...environment, missing: [] }} install={null} onInstall={() => undefined} />,
      ),
    ).toBe("");
    const packaged = renderToStaticMarkup(
      <TrainingSetup environment={{ ...environment, canInstall: false }} install={null} onInstall={() => undefined} />,
    );
    expect(packaged).not.toContain("training-install");
    expect(packaged).toContain("Install it in a terminal");
  });
});
