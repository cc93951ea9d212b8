import { app } from '@azure/functions';

import { getServices } from '../lib/services';

// Fail at startup, with every bad setting named, rather than on the first request.
app.hook.appStart(() => {
  getServices();
});
