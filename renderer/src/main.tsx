import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "./styles.css";
import { installWorkbenchClient, WorkbenchClient } from "./client/workbench-client";
import { App } from "./shell/App";
import { useHostStore } from "./shell/host-store";
import { openChannel } from "./transport";

const opened = openChannel();
installWorkbenchClient(new WorkbenchClient(opened.channel));
// A problem found later (the host restarted with a new token) replaces the banner's text.
opened.onProblem((problem) => {
  if (problem !== null) useHostStore.setState({ startupProblem: problem });
});

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App startupProblem={opened.problem} />
  </StrictMode>,
);
