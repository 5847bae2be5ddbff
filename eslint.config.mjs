// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const OPTIONAL_NULL = {
  name: 'class-validator',
  importNames: ['IsOptional'],
  message: 'IsOptional accepts null: use IsOmittable or IsNullable from src/common/validation/presence.ts.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // class-validator's IsOptional lets `null` through every rule: fields use IsOmittable or IsNullable
    // (src/common/validation/presence.ts), which tell "left out" from "null".
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [OPTIONAL_NULL] }],
    },
  },
  {
    // Only the adapter behind the KubeApi port may speak client-node (STYLE §6).
    files: ['src/**/*.ts'],
    ignores: ['src/clusters/kube/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [OPTIONAL_NULL, { name: '@kubernetes/client-node', message: 'Use the KubeApi port (src/clusters/kube).' }] }],
    },
  },
);
