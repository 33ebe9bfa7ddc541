import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "./styles.css";
import { installWorkbenchClient, WorkbenchClient } from "./client/workbench-client";
import { useHostStore } from "./platform/host-store";
import { openChannel } from "./transport";
import { App } from "./workbench/App";

const opened = openChannel();
installWorkbenchClient(new WorkbenchClient(opened.channel));
// The channel reports its problem now and again whenever it changes (the host restarted with a new token).
useHostStore.getState().setStartupProblem(opened.problem);
opened.onProblem((problem) => {
  if (problem !== null) useHostStore.getState().setStartupProblem(problem);
});

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
