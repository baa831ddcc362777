// `npm run sandbox` starts dist/apps/marketplace-sandbox/main.js; the entry point lives in src/.
import './src/main';
