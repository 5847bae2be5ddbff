// ts-jest runs the @nestjs/swagger CLI plugin too, so OpenAPI metadata in tests matches `nest build`.
const plugin = require('@nestjs/swagger/plugin');
module.exports = {
  name: 'nestjs-swagger-plugin',
  version: 1,
  factory: (cs) => plugin.before({ introspectComments: true, classValidatorShim: true, dtoFileNameSuffix: ['.dto.ts', '.query.ts', '.body.ts', '.params.ts', '.entity.ts'] }, cs.program),
};
