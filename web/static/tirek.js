// Script only enhances: every page is whole without it. GOV.UK Frontend's components
// (error summary, buttons that ignore a double click, conditional radios) start here.
import { initAll } from "./build/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported", "js-enabled");
initAll();
import "./live.js";
