// Start the GOV.UK Frontend components (error summary focus, conditional reveals, etc.).
import { initAll } from "../build/govuk-frontend.min.js";

initAll();
