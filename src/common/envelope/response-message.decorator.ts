import { SetMetadata } from '@nestjs/common';

export const RESPONSE_MESSAGE = 'podapi:response-message';
export const RAW_RESPONSE = 'podapi:raw-response';

/** The envelope's `message` for this handler's success (default `"success"`). */
export const ResponseMessage = (message: string) => SetMetadata(RESPONSE_MESSAGE, message);

/** This handler writes its own body (Prometheus text, a file download): no envelope. */
export const RawResponse = () => SetMetadata(RAW_RESPONSE, true);
