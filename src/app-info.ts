/** The service's version, as reported in the OpenAPI document; kept equal to package.json's. */
export const APP_VERSION = '0.1.0';
