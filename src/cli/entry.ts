// Runs the CLI from source (`node --import tsx src/cli/entry.ts …`); bin/roster.js runs the build.
import { main } from './main.js';

await main(process.argv);
