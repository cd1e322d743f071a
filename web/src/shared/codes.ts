// Codes people copy by hand (receipt codes), shared by the portal and the console. Pure, no React.

/** A receipt code in groups of four: "123456789012345678901234" → "1234 5678 9012 3456 7890 1234". */
export const groupCode = (code: string) => code.replace(/\D/g, '').replace(/(\d{4})(?=\d)/g, '$1 ');
