import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "./styles.css";
import { installWorkbenchClient, WorkbenchClient } from "./client/workbench-client";
import { App } from "./shell/App";
import { openChannel } from "./transport";

const opened = openChannel();
installWorkbenchClient(new WorkbenchClient(opened.channel));

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App startupProblem={opened.problem} />
  </StrictMode>,
);
