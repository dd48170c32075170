/**
 * Code put before a README example that runs inside an app the README does not show, by example name.
 * Shared by readme.test.ts (which runs the examples) and readme-types.test.ts (which type-checks them).
 */
export const README_PRELUDE: Readonly<Record<string, string>> = {
  'three-lines': "import express from 'express'\nexport const app = express()\n",
}
