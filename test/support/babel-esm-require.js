// Some ES modules of NestJS declare `const require = createRequire(import.meta.url)`. Once Jest
// turns them into CommonJS, that local binding would shadow the module's own `require` used for
// its imports, so rename it first.
module.exports = function renameLocalRequire() {
  return {
    name: 'rename-local-require',
    visitor: {
      Program(path) {
        if (path.scope.hasOwnBinding('require')) path.scope.rename('require', '_esmLocalRequire');
      },
    },
  };
};
