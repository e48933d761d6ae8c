// Words for bench/inbox.ts's seeded contacts and messages: names, texts and phone regions.

function words(list: string): string[] {
  return list.split(' ')
}

// One entry per line after the opening one; an empty line is an empty entry.
function lines(list: string): string[] {
  return list.slice(1).split('\n')
}

/** First names of the seeded contacts' WhatsApp profiles. */
export const FIRST_NAMES = words(
  'Aarav Priya Rahul Ananya Vikram Sneha Arjun Kavya Rohan Meera Lucas Sofia Mateus Julia Pedro Ana Chidi Ngozi Emeka Amara Tunde Zainab Omar Fatima Ahmed Layla John Emily Carlos Maria Wei Mei Hiroshi Yuki Ivan Olga Noah Emma Liam Ava',
)
/** Last names, combined with the first ones. */
export const LAST_NAMES = words(
  'Sharma Patel Singh Iyer Reddy Gupta Nair Mehta Silva Santos Oliveira Souza Costa Okafor Adeyemi Bello Nwosu Khan Hassan Ali Smith Johnson Garcia Martinez Chen Wang Tanaka Sato Petrov Ivanova Brown Miller Kumar Das Rao Joshi',
)
/** How messages begin. */
export const OPENERS = lines(`
Hi, is this still available?
Hello! I saw your ad on Instagram.
Good morning, quick question about the price.
Thanks for getting back to me.
Can you send me the catalogue?
What are your opening hours on Saturday?
I would like to book a visit next week.
Is delivery free above 50?
Do you have this in blue?
Payment done, please check.
Sure, that works for me.
Can we move the appointment to Friday?
Please call me after 6 pm.
Where exactly is your shop?
The order arrived today, thank you!`)
/** How messages end: each opener with each tail makes 300 distinct texts. */
export const TAILS = lines(`

 Thanks.
 Let me know.
 My budget is around 300.
 It is for my sister.
 I can pay by card or UPI.
 Is there a discount for two?
 We are a small team of five.
 I am in the city centre.
 No rush.
 Sent from my phone, sorry for typos.
 Order number 48213.
 Please reply when you can.
 The link did not open for me.
 Attaching a photo next.
 See you then!
 Same as last time please.
 Could you confirm by message?
 My colleague will pick it up.
 We spoke last month about this.`)
/** Phone numbers of regions where WhatsApp is used most: calling code, national prefix, digits. */
export const REGIONS = [
  { code: '91', prefix: '9', digits: 10 },
  { code: '55', prefix: '119', digits: 11 },
  { code: '234', prefix: '80', digits: 10 },
  { code: '52', prefix: '155', digits: 10 },
  { code: '1', prefix: '415', digits: 10 },
] as const
