// The GOV.UK Frontend styles the portal uses, vendored from the pinned npm package (package.json) without
// the GDS Transport font, which is for GOV.UK only: its @font-face rules are dropped and text falls back to
// Arial. `make portal-css` writes static/govuk-frontend.min.css; with --check it fails when the committed copy differs.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..', '..', 'node_modules', 'govuk-frontend');

export function vendored() {
  const version = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version;
  let css = readFileSync(join(pkg, 'dist', 'govuk', 'govuk-frontend.min.css'), 'utf8');
  css = css.replace(/@font-face\{[^}]*\}/g, '').replace(/GDS Transport,/g, '').replace(/\n?\/\*# sourceMappingURL=[^*]*\*\/\s*$/, '');
  const head = `/* govuk-frontend ${version} (MIT, Crown copyright), from node_modules by internal/portal/govuk.mjs: without the GDS Transport font. */\n`;
  return { css: head + css.replace(/^@charset "UTF-8";/, '') + '\n' };
}

const out = join(here, 'static');
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { css } = vendored();
  if (process.argv.includes('--check')) {
    if (readFileSync(join(out, 'govuk-frontend.min.css'), 'utf8') !== css) {
      console.error('internal/portal/static/govuk-frontend.min.css is stale: run make portal-css');
      process.exit(1);
    }
  } else {
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'govuk-frontend.min.css'), css);
  }
}
