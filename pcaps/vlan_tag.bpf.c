// tc programs that make a veth pair carry 802.1Q VLANs, as VLAN sub-interfaces would on
// a kernel built with 802.1Q support (CONFIG_VLAN_8021Q): the frames on the wire between
// the two ends are tagged, and each end's own stack sees them untagged. pcaps/record.sh
// builds this with clang -target bpf and attaches it with tc (clsact, direct action).
//
//   section "vlan"  (egress):  tags every frame leaving with VLAN 42
//   section "qinq"  (egress):  tags with C-tag 43 inside S-tag 100 (802.1ad)
//   section "untag" (ingress): takes the tags off every arriving frame; drops untagged ones
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>

#define SEC(name) __attribute__((section(name), used))

static long (*skb_vlan_push)(struct __sk_buff*, __be16, __u16) = (void*)BPF_FUNC_skb_vlan_push;
static long (*skb_vlan_pop)(struct __sk_buff*) = (void*)BPF_FUNC_skb_vlan_pop;

SEC("vlan") int tag_vlan(struct __sk_buff* skb) {
  return skb_vlan_push(skb, __builtin_bswap16(ETH_P_8021Q), 42) == 0 ? TC_ACT_OK : TC_ACT_SHOT;
}

// The second push moves the first tag into the frame and puts the outer one before it.
SEC("qinq") int tag_qinq(struct __sk_buff* skb) {
  if (skb_vlan_push(skb, __builtin_bswap16(ETH_P_8021Q), 43) != 0) return TC_ACT_SHOT;
  return skb_vlan_push(skb, __builtin_bswap16(ETH_P_8021AD), 100) == 0 ? TC_ACT_OK : TC_ACT_SHOT;
}

// The receiving kernel has already moved the outer tag out of the frame (vlan_present);
// each pop removes that one and moves the next tag of the frame, if any, into its place.
SEC("untag") int take_tags_off(struct __sk_buff* skb) {
  if (!skb->vlan_present) return TC_ACT_SHOT;
  if (skb_vlan_pop(skb) != 0) return TC_ACT_SHOT;
  if (skb->vlan_present && skb_vlan_pop(skb) != 0) return TC_ACT_SHOT;
  return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
