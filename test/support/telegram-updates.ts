/**
 * Bot API updates as Telegram posts them to the webhook (shape of the recorded
 * test/fixtures/telegram_* payloads), for tests that speak to the bot as a chat would.
 */

/** A text message `text` from private chat `chatId` (the user's id is the chat's), as update `updateId`. */
export function telegramTextUpdate(updateId: number, chatId: number, text: string, firstName = "R") {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      from: { id: chatId, is_bot: false, first_name: firstName },
      chat: { id: chatId, type: "private", first_name: firstName },
      date: 1618207352,
      text,
    },
  };
}
