// Builds the portal's design system into static/build/ (git-ignored): Tirek's Sass over
// GOV.UK Frontend's, compiled with dart-sass, and GOV.UK Frontend's script for enhancements.
import { compile } from "sass";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "static", "build");
mkdirSync(out, { recursive: true });

const result = compile(join(here, "styles", "tirek.scss"), {
  loadPaths: [join(here, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin"],
});
writeFileSync(join(out, "tirek.css"), result.css);
copyFileSync(join(here, "node_modules", "govuk-frontend", "dist", "govuk", "govuk-frontend.min.js"),
             join(out, "govuk-frontend.min.js"));
console.log(`built ${join(out, "tirek.css")} (${result.css.length} bytes)`);
