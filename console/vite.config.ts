// Two pages from one build: the console (index.html) and the offline GraphiQL (graphiql.html) the gateway serves
// at a browser's GET /graphql. CONSOLE_BASE sets where the build is served from (the gateway: /console/).
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: process.env.CONSOLE_BASE ?? '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000,
    rollupOptions: {
      // GraphiQL's packages carry React-compiler directives ("use no memo") a bundle cannot keep: harmless.
      onwarn(warning, warn) { if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning); },
      input: { index: resolve(import.meta.dirname, 'index.html'), graphiql: resolve(import.meta.dirname, 'graphiql.html') },
    },
  },
  server: { proxy: { '/graphql': { target: 'http://127.0.0.1:8000', ws: true }, '/dev': 'http://127.0.0.1:8000',
                     '/open-data': 'http://127.0.0.1:8000' } },
});
