import { Logger } from '@nestjs/common';

// Specs assert on behaviour, not on log lines: keep Nest's static logger quiet (a test that needs logs attaches its own).
Logger.overrideLogger(false);
