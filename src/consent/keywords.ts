/** One language's keywords: whole messages that opt a contact out, and those that opt them back in. */
export interface KeywordList {
  readonly optOut: readonly string[]
  readonly optIn: readonly string[]
}

/** Keyword lists by language code (BCP 47, so `hi-Latn` is Hindi written in Latin letters). */
export type ConsentKeywordLists = Readonly<Record<string, KeywordList>>

/** The two confirmation replies of one language. */
export interface Confirmations {
  readonly optOut: string
  readonly optIn: string
}

/** Languages Parley ships keywords and confirmations for. */
export type DefaultLanguage = 'en' | 'hi' | 'hi-Latn' | 'es' | 'pt' | 'id' | 'ar'

// Entries are whole messages someone sends alone as a request; a bare word that is also an
// everyday reply ('no', 'ok', 'yes') would match despite the exact-match rule, so none is listed
// beyond the carrier-standard words the issue requires ('cancel', 'end' and their translations).
// Opt-in is the stricter list: a wrong opt-in sends marketing to someone who asked us to stop,
// while a missed one only means they send the word the confirmation names. So Indonesian
// 'lanjut' ("go on"), Portuguese 'voltar' (a bot menu's "back"), English 'resume' (a CV) and
// Arabic 'ابدا' (also أبداً "never" once hamza is dropped) are left out.
// Spellings that differ only by accents, case or harakat need one entry; spellings with a
// different letter, Arabic hamza or a Devanagari vowel sign need their own (see foldKeyword).
/** Default opt-out and opt-in keywords per language; workspaces edit them with overrides. */
export const DEFAULT_KEYWORDS: Readonly<Record<DefaultLanguage, KeywordList>> = {
  en: {
    // The first six are the carrier-standard set the issue requires, 'cancel' and 'end' included.
    optOut: [
      'stop',
      'stop all',
      'stopall',
      'unsubscribe',
      'cancel',
      'end',
      'quit',
      'opt out',
      'optout',
      'unsub',
      'revoke',
    ],
    optIn: ['start', 'subscribe', 'unstop', 'resubscribe', 'opt in', 'optin'],
  },
  hi: {
    optOut: [
      'रोकें',
      'रोको',
      'रोक दो',
      'रोक दें',
      'बंद',
      'बंद करो',
      'बंद करें',
      'बंद कर दो',
      'मत भेजो',
      'मत भेजें',
      'संदेश बंद करें',
      'सदस्यता रद्द करें',
      'सदस्यता समाप्त करें',
      'अनसब्सक्राइब',
      'स्टॉप',
    ],
    // 'शुरु' (short u) is the common typing of 'शुरू'; vowel signs are not folded, so both are listed.
    optIn: [
      'शुरू',
      'शुरु',
      'शुरू करें',
      'शुरू करो',
      'फिर से शुरू करें',
      'चालू करें',
      'चालू करो',
      'सदस्यता लें',
      'सब्सक्राइब',
      'स्टार्ट',
    ],
  },
  'hi-Latn': {
    // Bare 'band' is an English word and bare 'chalu' is slang for "sly", so both need a verb.
    optOut: [
      'band karo',
      'band kar do',
      'band kardo',
      'band karein',
      'band karen',
      'rok do',
      'rokdo',
      'roko',
      'mat bhejo',
      'mat bhejna',
      'message mat bhejo',
      'msg mat bhejo',
      'stop karo',
    ],
    optIn: [
      'shuru',
      'shuru karo',
      'shuru karein',
      'shuru kar do',
      'phir se shuru karo',
      'chalu karo',
      'chalu kar do',
      'chalu karein',
      'start karo',
    ],
  },
  es: {
    optOut: [
      'parar',
      'baja',
      'dar de baja',
      'darme de baja',
      'cancelar',
      'cancelar suscripción',
      'anular suscripción',
      'detener',
      'alto',
      'desuscribir',
      'desuscribirme',
    ],
    optIn: [
      'empezar',
      'comenzar',
      'iniciar',
      'alta',
      'dar de alta',
      'darme de alta',
      'suscribir',
      'suscribirme',
      'reanudar',
    ],
  },
  pt: {
    optOut: [
      'parar',
      'pare',
      'sair',
      'cancelar',
      'cancelar inscrição',
      'descadastrar',
      'descadastre',
      'me descadastre',
    ],
    optIn: ['começar', 'iniciar', 'inscrever', 'me inscrever', 'reativar', 'voltar a receber'],
  },
  id: {
    optOut: [
      'berhenti',
      'stop',
      'batal',
      'keluar',
      'berhenti langganan',
      'berhenti berlangganan',
      'batal langganan',
      'jangan kirim lagi',
    ],
    optIn: ['mulai', 'mulai lagi', 'berlangganan', 'berlangganan lagi', 'langganan lagi'],
  },
  ar: {
    // With and without hamza on alef: both are written, and hamza is not folded.
    optOut: [
      'توقف',
      'أوقف',
      'اوقف',
      'إيقاف',
      'ايقاف',
      'إلغاء',
      'الغاء',
      'إلغاء الاشتراك',
      'الغاء الاشتراك',
      'لا ترسل',
      'ستوب',
    ],
    optIn: ['ابدأ', 'إبدأ', 'بدء', 'اشترك', 'اشتراك'],
  },
}

// Each text names a keyword of its own language, so replying with it yields the same language.
/** Default confirmation replies per language; workspaces may replace them with their own. */
export const DEFAULT_CONFIRMATIONS: Readonly<Record<DefaultLanguage, Confirmations>> = {
  en: {
    optOut:
      'You have unsubscribed and will get no more messages from us. To come back, reply START.',
    optIn:
      'You are subscribed again and will get our messages. To stop them, reply STOP at any time.',
  },
  hi: {
    optOut: 'आपकी सदस्यता रद्द हो गई है। अब आपको हमारे संदेश नहीं मिलेंगे। फिर से जुड़ने के लिए "शुरू" भेजें।',
    optIn: 'आप फिर से जुड़ गए हैं और आपको हमारे संदेश मिलेंगे। संदेश बंद करने के लिए कभी भी "रोकें" भेजें।',
  },
  'hi-Latn': {
    optOut:
      'Aapki subscription band ho gayi hai, ab aapko humare messages nahi milenge. Wapas judne ke liye SHURU bhejein.',
    optIn:
      'Aap wapas jud gaye hain aur aapko humare messages milenge. Band karne ke liye kabhi bhi BAND KARO bhejein.',
  },
  es: {
    optOut: 'Te diste de baja y no recibirás más mensajes nuestros. Para volver, responde EMPEZAR.',
    optIn: 'Te suscribiste de nuevo y recibirás nuestros mensajes. Para salir, responde BAJA.',
  },
  pt: {
    optOut:
      'Você cancelou a inscrição e não receberá mais mensagens nossas. Para voltar, responda COMEÇAR.',
    optIn: 'Você se inscreveu de novo e receberá nossas mensagens. Para sair, responda SAIR.',
  },
  id: {
    optOut:
      'Anda berhenti berlangganan dan tidak akan menerima pesan lagi dari kami. Untuk kembali, balas MULAI.',
    optIn: 'Anda berlangganan lagi dan akan menerima pesan kami. Untuk berhenti, balas BERHENTI.',
  },
  ar: {
    optOut: 'تم إلغاء اشتراكك ولن تصلك رسائل منا بعد الآن. للعودة، أرسل «ابدأ».',
    optIn: 'تم تجديد اشتراكك وستصلك رسائلنا. لإيقافها في أي وقت، أرسل «توقف».',
  },
}
