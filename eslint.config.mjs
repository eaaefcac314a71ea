import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const tags = (...names) => names.map((name) => `type:${name}`);

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', '**/*.mjs', '**/*.js', '**/*.cjs'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Layering: utilities know nothing of the rest; the API types sit on utilities; libraries on both;
            // the runtime engine is independent of the providers' domain; only apps and e2e wire everything.
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: tags('util') },
            { sourceTag: 'type:api', onlyDependOnLibsWithTags: tags('api', 'util', 'testing') },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: tags('lib', 'api', 'util', 'testing') },
            { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: tags('util', 'testing') },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: tags('testing', 'lib', 'api', 'util') },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: tags('runtime', 'lib', 'api', 'util', 'testing') },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: tags('app', 'runtime', 'lib', 'api', 'util', 'testing') },
            // The two providers never import each other; what they share lives in packages/.
            { sourceTag: 'scope:bootstrap', notDependOnLibsWithTags: ['scope:controlplane'] },
            { sourceTag: 'scope:controlplane', notDependOnLibsWithTags: ['scope:bootstrap'] },
          ],
        },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      complexity: ['warn', 15],
      'max-params': ['warn', 5],
    },
  },
  {
    files: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
