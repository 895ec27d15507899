import type { Dictionary } from "../ui/i18n.js";

export type WidgetKey =
  | "open"
  | "title"
  | "close"
  | "start"
  | "waiting"
  | "connected"
  | "ended"
  | "placeholder"
  | "send"
  | "typing"
  | "you"
  | "agent"
  | "end"
  | "download"
  | "inviteText"
  | "inviteAccept"
  | "inviteDecline"
  | "offlineIntro"
  | "name"
  | "email"
  | "message"
  | "offlineSend"
  | "offlineThanks"
  | "sending"
  | "transcript"
  | "limitMessages"
  | "limitConversations"
  | "limitVisits"
  | "limitFlood"
  | "notAllowed"
  | "joinedNamed"
  | "joinedNamedTeam"
  | "newChat"
  | "inviteFrom"
  | "availableNow"
  | "queuePosition"
  | "queueNext"
  | "closedIntro"
  | "closedLeave"
  | "opensToday"
  | "opensTomorrow"
  | "opensOn"
  | "attach"
  | "fileUploading"
  | "fileScanning"
  | "fileSent"
  | "fileDownload"
  | "fileDownloadNamed"
  | "fileProgress"
  | "fileInfected"
  | "fileTooLarge"
  | "fileTooMany"
  | "fileTypeRefused"
  | "fileEmpty"
  | "fileScannerDown"
  | "fileFailed"
  | "fileNotAllowed"
  | "fileUnavailable"
  | "score1"
  | "score2"
  | "score3"
  | "score4"
  | "score5"
  | "rateQuestion"
  | "rateComment"
  | "rateSend"
  | "rateSkip"
  | "rateChoose"
  | "rateThanks"
  | "rateAlready"
  | "rateGone"
  | "rateFailed"
  | "teamQuestion"
  | "teamAny";

export const widgetStrings: Dictionary<WidgetKey> = {
  en: {
    open: "Chat with us",
    title: "Chat",
    close: "Minimise chat",
    start: "Start chat",
    waiting: "Waiting for an agent…",
    connected: "An agent has joined the chat.",
    ended: "The chat has ended.",
    placeholder: "Type your message",
    send: "Send",
    typing: "The agent is typing…",
    you: "You",
    agent: "Agent",
    end: "End chat",
    download: "Download transcript",
    inviteText: "Can we help you? An agent is available to chat.",
    inviteAccept: "Chat now",
    inviteDecline: "No, thanks",
    offlineIntro: "No agent is available right now. Leave a message and we will get back to you.",
    name: "Name",
    email: "Email",
    message: "Message",
    offlineSend: "Send message",
    offlineThanks: "Thank you. Your message has been sent.",
    sending: "sending…",
    transcript: "Chat transcript",
    limitMessages: "You are sending messages faster than we can take them. We will send the rest in a moment.",
    limitConversations: "You already have open chats. Please carry on in the one you have, or end it before starting another.",
    limitVisits: "Too many chat windows were opened from your network just now. Please try again in a few minutes.",
    limitFlood: "Too much was sent at once, so the chat paused. It reconnects by itself.",
    notAllowed: "Chat is not available on this page.",
    joinedNamed: "{agent} has joined the chat.",
    joinedNamedTeam: "{agent} from {team} has joined the chat.",
    newChat: "Start a new chat",
    inviteFrom: "{agent} is available to chat. Can we help you?",
    availableNow: "An agent is available now. Write your message below.",
    queuePosition: "You are number {n} in the queue.",
    queueNext: "You are next in the queue.",
    closedIntro: "Chat is closed right now.",
    closedLeave: "Leave a message and we will get back to you.",
    opensToday: "Chat opens today at {time}.",
    opensTomorrow: "Chat opens tomorrow at {time}.",
    opensOn: "Chat opens {day} at {time}.",
    attach: "Attach a file",
    fileUploading: "Uploading… {percent}",
    fileScanning: "Checking the file for viruses…",
    fileSent: "Sent",
    fileDownload: "Download",
    fileDownloadNamed: "Download {name}",
    fileProgress: "Upload of {name}",
    fileInfected: "Not sent: our virus scan found something harmful in this file. It was not shared with anyone.",
    fileTooLarge: "Not sent: this file is larger than {max}. Please send a smaller file.",
    fileTooMany: "Not sent: this chat already holds as many files as it can.",
    fileTypeRefused: "Not sent: files of this type are not accepted. You can send {types}.",
    fileEmpty: "Not sent: this file is empty.",
    fileScannerDown: "Not sent: the file could not be checked for viruses just now. Please try again in a moment.",
    fileFailed: "Not sent: the upload was interrupted. Please try again.",
    fileNotAllowed: "Files cannot be sent in this chat.",
    fileUnavailable: "This file can no longer be downloaded.",
    score1: "1 – Very poor",
    score2: "2 – Poor",
    score3: "3 – Okay",
    score4: "4 – Good",
    score5: "5 – Very good",
    rateQuestion: "How was this chat?",
    rateComment: "Comment (optional)",
    rateSend: "Send rating",
    rateSkip: "Skip",
    rateChoose: "Choose a score from 1 to 5 first.",
    rateThanks: "Thank you for your feedback.",
    rateAlready: "This chat has already been rated. Thank you.",
    rateGone: "This chat can no longer be rated.",
    rateFailed: "Your rating could not be sent. Please try again.",
    teamQuestion: "Who would you like to chat with?",
    teamAny: "No preference",
  },
  de: {
    open: "Chat starten",
    title: "Chat",
    close: "Chat minimieren",
    start: "Chat beginnen",
    waiting: "Warte auf einen Mitarbeiter…",
    connected: "Ein Mitarbeiter ist dem Chat beigetreten.",
    ended: "Der Chat wurde beendet.",
    placeholder: "Nachricht eingeben",
    send: "Senden",
    typing: "Der Mitarbeiter schreibt…",
    you: "Sie",
    agent: "Mitarbeiter",
    end: "Chat beenden",
    download: "Verlauf herunterladen",
    inviteText: "Können wir helfen? Ein Mitarbeiter ist für einen Chat verfügbar.",
    inviteAccept: "Jetzt chatten",
    inviteDecline: "Nein, danke",
    offlineIntro: "Gerade ist niemand erreichbar. Hinterlassen Sie eine Nachricht, wir melden uns.",
    name: "Name",
    email: "E-Mail",
    message: "Nachricht",
    offlineSend: "Nachricht senden",
    offlineThanks: "Vielen Dank. Ihre Nachricht wurde gesendet.",
    sending: "wird gesendet…",
    transcript: "Chatverlauf",
    limitMessages: "Sie senden schneller, als wir annehmen können. Der Rest wird gleich gesendet.",
    limitConversations: "Sie haben bereits offene Chats. Bitte schreiben Sie dort weiter oder beenden Sie einen, bevor Sie einen neuen beginnen.",
    limitVisits: "Aus Ihrem Netzwerk wurden gerade zu viele Chatfenster geöffnet. Bitte versuchen Sie es in ein paar Minuten erneut.",
    limitFlood: "Es wurde zu viel auf einmal gesendet, der Chat pausiert. Er verbindet sich von selbst neu.",
    notAllowed: "Auf dieser Seite ist der Chat nicht verfügbar.",
    joinedNamed: "{agent} ist dem Chat beigetreten.",
    joinedNamedTeam: "{agent} ({team}) ist dem Chat beigetreten.",
    newChat: "Neuen Chat beginnen",
    inviteFrom: "{agent} ist für einen Chat verfügbar. Können wir helfen?",
    availableNow: "Ein Mitarbeiter ist jetzt erreichbar. Schreiben Sie unten Ihre Nachricht.",
    queuePosition: "Sie sind Nummer {n} in der Warteschlange.",
    queueNext: "Sie sind als Nächstes an der Reihe.",
    closedIntro: "Der Chat ist gerade geschlossen.",
    closedLeave: "Hinterlassen Sie eine Nachricht, wir melden uns.",
    opensToday: "Der Chat öffnet heute um {time} Uhr.",
    opensTomorrow: "Der Chat öffnet morgen um {time} Uhr.",
    opensOn: "Der Chat öffnet am {day} um {time} Uhr.",
    attach: "Datei anhängen",
    fileUploading: "Wird hochgeladen… {percent}",
    fileScanning: "Die Datei wird auf Viren geprüft…",
    fileSent: "Gesendet",
    fileDownload: "Herunterladen",
    fileDownloadNamed: "{name} herunterladen",
    fileProgress: "Hochladen von {name}",
    fileInfected: "Nicht gesendet: Unsere Virenprüfung hat in dieser Datei etwas Schädliches gefunden. Sie wurde mit niemandem geteilt.",
    fileTooLarge: "Nicht gesendet: Diese Datei ist größer als {max}. Bitte senden Sie eine kleinere Datei.",
    fileTooMany: "Nicht gesendet: Dieser Chat enthält bereits so viele Dateien wie möglich.",
    fileTypeRefused: "Nicht gesendet: Dateien dieses Typs werden nicht angenommen. Sie können {types} senden.",
    fileEmpty: "Nicht gesendet: Diese Datei ist leer.",
    fileScannerDown: "Nicht gesendet: Die Datei konnte gerade nicht auf Viren geprüft werden. Bitte versuchen Sie es gleich noch einmal.",
    fileFailed: "Nicht gesendet: Das Hochladen wurde unterbrochen. Bitte versuchen Sie es erneut.",
    fileNotAllowed: "In diesem Chat können keine Dateien gesendet werden.",
    fileUnavailable: "Diese Datei kann nicht mehr heruntergeladen werden.",
    score1: "1 – Sehr schlecht",
    score2: "2 – Schlecht",
    score3: "3 – In Ordnung",
    score4: "4 – Gut",
    score5: "5 – Sehr gut",
    rateQuestion: "Wie war dieser Chat?",
    rateComment: "Kommentar (optional)",
    rateSend: "Bewertung senden",
    rateSkip: "Überspringen",
    rateChoose: "Wählen Sie zuerst eine Note von 1 bis 5.",
    rateThanks: "Vielen Dank für Ihre Rückmeldung.",
    rateAlready: "Dieser Chat wurde bereits bewertet. Vielen Dank.",
    rateGone: "Dieser Chat kann nicht mehr bewertet werden.",
    rateFailed: "Ihre Bewertung konnte nicht gesendet werden. Bitte versuchen Sie es erneut.",
    teamQuestion: "Mit wem möchten Sie chatten?",
    teamAny: "Keine Präferenz",
  },
};
