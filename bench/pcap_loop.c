/* The floor for any pcap reader: a plain libpcap read loop that only sums lengths.
 * Same 1 MiB stdio buffer as netledger gives libpcap.  Usage: pcap_loop FILE */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  FILE* fp = fopen(argv[1], "rb");
  if (!fp) {
    perror(argv[1]);
    return 1;
  }
  static char buf[1 << 20];
  setvbuf(fp, buf, _IOFBF, sizeof buf);
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_fopen_offline(fp, err);
  if (!p) {
    fprintf(stderr, "%s: %s\n", argv[1], err);
    return 1;
  }
  struct pcap_pkthdr* h;
  const u_char* d;
  unsigned long long packets = 0, bytes = 0;
  while (pcap_next_ex(p, &h, &d) == 1) {
    packets++;
    bytes += h->len;
  }
  pcap_close(p);
  printf("%llu packets, %llu bytes\n", packets, bytes);
  return 0;
}
