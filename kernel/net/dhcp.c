/* placeholder, replaced below */
#include "kernel/net/net_priv.h"
void dhcp_tick(struct net_stack *stack) { (void)stack; }
void dhcp_flush(struct net_stack *stack) { (void)stack; }
