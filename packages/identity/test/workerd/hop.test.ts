import { hopContract, WEBCRYPTO_HOP } from "../hop-contract.ts";

hopContract({ ...WEBCRYPTO_HOP, name: "WebCrypto in workerd" });
