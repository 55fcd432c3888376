/** 3GPP (Vendor-Id 10415) sub-attributes of TS 29.061 §16.4.7.2 and their enumerated values. */
import type { DictionaryRow, DictionaryValues } from './types.js';

/** 3GPP vendor id (IANA enterprise number). */
export const VENDOR_3GPP = 10415;

/** TS 29.061 §16.4.7.2, sub-attributes of Vendor-Specific with Vendor-Id 10415. */
export const VENDOR_3GPP_ROWS: readonly DictionaryRow[] = [
  [1, '3GPP-IMSI', 'string'],
  [2, '3GPP-Charging-ID', 'integer'],
  [3, '3GPP-PDP-Type', 'integer'],
  [4, '3GPP-CG-Address', 'ipaddr'],
  [5, '3GPP-GPRS-Negotiated-QoS-Profile', 'string'],
  [6, '3GPP-SGSN-Address', 'ipaddr'],
  [7, '3GPP-GGSN-Address', 'ipaddr'],
  [8, '3GPP-IMSI-MCC-MNC', 'string'],
  [9, '3GPP-GGSN-MCC-MNC', 'string'],
  [10, '3GPP-NSAPI', 'string'],
  [11, '3GPP-Session-Stop-Indicator', 'byte'],
  [12, '3GPP-Selection-Mode', 'string'],
  [13, '3GPP-Charging-Characteristics', 'string'],
  [14, '3GPP-CG-IPv6-Address', 'ipv6addr'],
  [15, '3GPP-SGSN-IPv6-Address', 'ipv6addr'],
  [16, '3GPP-GGSN-IPv6-Address', 'ipv6addr'],
  [17, '3GPP-IPv6-DNS-Servers', 'octets'], // one or more 16-octet addresses
  [18, '3GPP-SGSN-MCC-MNC', 'string'],
  [19, '3GPP-Teardown-Indicator', 'byte'],
  [20, '3GPP-IMEISV', 'string'],
  [21, '3GPP-RAT-Type', 'byte'],
  [22, '3GPP-User-Location-Info', 'octets'],
  [23, '3GPP-MS-TimeZone', 'octets'],
  [24, '3GPP-Camel-Charging-Info', 'octets'],
  [25, '3GPP-Packet-Filter', 'octets'],
  [26, '3GPP-Negotiated-DSCP', 'byte'],
  [27, '3GPP-Allocate-IP-Type', 'byte'],
];

/** Enumerated values by attribute name. */
export const VENDOR_3GPP_VALUES: ReadonlyMap<string, DictionaryValues> = new Map<string, DictionaryValues>([
  [
    '3GPP-PDP-Type', // TS 29.061 §16.4.7.2
    [
      [0, 'IPv4'],
      [1, 'PPP'],
      [2, 'IPv6'],
      [3, 'IPv4v6'],
    ],
  ],
  [
    '3GPP-RAT-Type', // TS 29.061 §16.4.7.2: 0–100 as the RAT Type of TS 29.274 §8.17
    [
      [1, 'UTRAN'],
      [2, 'GERAN'],
      [3, 'WLAN'],
      [4, 'GAN'],
      [5, 'HSPA-Evolution'],
      [6, 'EUTRAN'],
      [7, 'Virtual'],
      [8, 'EUTRAN-NB-IoT'],
      [9, 'LTE-M'],
      [10, 'NR'],
      [101, 'IEEE-802.16e'],
      [102, '3GPP2-eHRPD'],
      [103, '3GPP2-HRPD'],
      [104, '3GPP2-1xRTT'],
      [105, '3GPP2-UMB'],
    ],
  ],
  [
    '3GPP-Allocate-IP-Type',
    [
      [0, 'Do-Not-Allocate'],
      [1, 'Allocate-IPv4-Address'],
      [2, 'Allocate-IPv6-Prefix'],
      [3, 'Allocate-IPv4-and-IPv6'],
    ],
  ],
]);
