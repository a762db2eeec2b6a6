// UI text in Japanese (first) and English. Each area keeps its text in its own file
// ({ ja, en } with the same keys); they are merged here.
import { accountsMessages } from './accounts-messages';
import { apiDocsMessages } from './api-docs-messages';
import { burstMessages } from './burst-messages';
import { expiryMessages } from './expiry-messages';
import { leaksMessages } from './leaks-messages';
import { metricsMessages } from './metrics-messages';
import { nodePageMessages } from './node-page-messages';
import { catalogMessages } from './catalog-messages';
import { coreMessages } from './core-messages';
import { hostsMessages } from './hosts-messages';
import { organizationMessages } from './organization-messages';
import { samlMessages } from './saml-messages';
import { schedulesMessages } from './schedules-messages';
import { serviceApplicationsMessages } from './service-applications-messages';
import { sshMessages } from './ssh-messages';
import { templateEditorMessages } from './template-editor-messages';
import { webhooksMessages } from './webhooks-messages';

export const LOCALES = ['ja', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const ja = { ...coreMessages.ja, ...catalogMessages.ja, ...samlMessages.ja, ...serviceApplicationsMessages.ja, ...organizationMessages.ja, ...templateEditorMessages.ja, ...hostsMessages.ja, ...accountsMessages.ja, ...leaksMessages.ja, ...burstMessages.ja, ...metricsMessages.ja, ...nodePageMessages.ja, ...expiryMessages.ja, ...schedulesMessages.ja, ...sshMessages.ja, ...webhooksMessages.ja, ...apiDocsMessages.ja };
const en = { ...coreMessages.en, ...catalogMessages.en, ...samlMessages.en, ...serviceApplicationsMessages.en, ...organizationMessages.en, ...templateEditorMessages.en, ...hostsMessages.en, ...accountsMessages.en, ...leaksMessages.en, ...burstMessages.en, ...metricsMessages.en, ...nodePageMessages.en, ...expiryMessages.en, ...schedulesMessages.en, ...sshMessages.en, ...webhooksMessages.en, ...apiDocsMessages.en };

export type MessageKey = keyof typeof ja;

export const MESSAGES: Record<Locale, Record<MessageKey, string>> = { ja, en };

export function translate(locale: Locale, key: MessageKey): string {
  return MESSAGES[locale][key] ?? key;
}
