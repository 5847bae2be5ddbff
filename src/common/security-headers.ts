import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's security headers on every HTTP answer (nosniff, frame and referrer policies, HSTS, cross-origin isolation
 * …). Its Content-Security-Policy is written for web pages; an API answer is JSON that must load nothing, so the
 * default is the strictest one (`default-src 'none'`): a browser that is somehow made to render an answer runs
 * nothing from it and frames it nowhere.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
  });
}

/**
 * The Content-Security-Policy of the API docs page (swagger-ui): helmet's defaults, which allow what the page uses —
 * its scripts and stylesheets from this origin, its inline `<style>` and `style=` attributes, `data:` images, and
 * requests to this origin for the document and "Try it out" — without `upgrade-insecure-requests`, which would make a
 * browser fetch the page's scripts over HTTPS from a service that serves plain HTTP.
 */
export function docsContentSecurityPolicy(): RequestHandler {
  return helmet.contentSecurityPolicy({ useDefaults: true, directives: { upgradeInsecureRequests: null } });
}
