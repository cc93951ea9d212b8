import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { connectorFiles } from '../src/lib/api/connector-definition';

// `npm run connector`: regenerate the committed connector from the catalogue (a test holds them equal).
const directory = path.resolve(__dirname, '../../connector');
for (const [name, text] of Object.entries(connectorFiles())) writeFileSync(path.join(directory, name), text);
