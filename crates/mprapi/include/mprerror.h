/*
 * mprerror.h - router error codes (libmprapi, mprconfig for Linux).
 *
 * The router range of the Windows RAS/router error codes, returned by the MprConfig* functions.
 * Values equal Windows'; each comment is the standard English message.
 */
#ifndef _MPRERROR_H_
#define _MPRERROR_H_

#define RASBASE      600
#define ROUTEBASE    900
#define ROUTEBASEEND 957

/* The router is not running. */
#define ERROR_ROUTER_STOPPED                     (ROUTEBASE+0)
/* The interface is already connected. */
#define ERROR_ALREADY_CONNECTED                  (ROUTEBASE+1)
/* The specified protocol identifier is not known to the router. */
#define ERROR_UNKNOWN_PROTOCOL_ID                (ROUTEBASE+2)
/* The Demand-dial Interface Manager is not running. */
#define ERROR_DDM_NOT_RUNNING                    (ROUTEBASE+3)
/* An interface with this name is already registered with the router. */
#define ERROR_INTERFACE_ALREADY_EXISTS           (ROUTEBASE+4)
/* An interface with this name is not registered with the router. */
#define ERROR_NO_SUCH_INTERFACE                  (ROUTEBASE+5)
/* The interface is not connected. */
#define ERROR_INTERFACE_NOT_CONNECTED            (ROUTEBASE+6)
/* The specified protocol is stopping. */
#define ERROR_PROTOCOL_STOP_PENDING              (ROUTEBASE+7)
/* The interface is connected and hence cannot be deleted. */
#define ERROR_INTERFACE_CONNECTED                (ROUTEBASE+8)
/* The interface credentials have not been set. */
#define ERROR_NO_INTERFACE_CREDENTIALS_SET       (ROUTEBASE+9)
/* This interface is already in the process of connecting. */
#define ERROR_ALREADY_CONNECTING                 (ROUTEBASE+10)
/* An update of routing information on this interface is already in progress. */
#define ERROR_UPDATE_IN_PROGRESS                 (ROUTEBASE+11)
/* The interface configuration is invalid. There is already another interface that is connected to the same interface on the remote router. */
#define ERROR_INTERFACE_CONFIGURATION            (ROUTEBASE+12)
/* A Remote Access Client attempted to connect over a port that was reserved for Routers only. */
#define ERROR_NOT_CLIENT_PORT                    (ROUTEBASE+13)
/* A Demand Dial Router attempted to connect over a port that was reserved for Remote Access Clients only. */
#define ERROR_NOT_ROUTER_PORT                    (ROUTEBASE+14)
/* The client interface with this name already exists and is currently in use. */
#define ERROR_CLIENT_INTERFACE_ALREADY_EXISTS    (ROUTEBASE+15)
/* The interface is in a disabled state. */
#define ERROR_INTERFACE_DISABLED                 (ROUTEBASE+16)
/* The authentication protocol was rejected by the remote peer. */
#define ERROR_AUTH_PROTOCOL_REJECTED             (ROUTEBASE+17)
/* There are no authentication protocols available for use. */
#define ERROR_NO_AUTH_PROTOCOL_AVAILABLE         (ROUTEBASE+18)
/* The remote computer refused to be authenticated using the configured authentication protocol. The line has been disconnected. */
#define ERROR_PEER_REFUSED_AUTH                  (ROUTEBASE+19)
/* The remote account does not have Remote Access permission. */
#define ERROR_REMOTE_NO_DIALIN_PERMISSION        (ROUTEBASE+20)
/* The remote account has expired. */
#define ERROR_REMOTE_PASSWD_EXPIRED              (ROUTEBASE+21)
/* The remote account is disabled. */
#define ERROR_REMOTE_ACCT_DISABLED               (ROUTEBASE+22)
/* The remote account is not permitted to logon at this time of day. */
#define ERROR_REMOTE_RESTRICTED_LOGON_HOURS      (ROUTEBASE+23)
/* Access was denied to the remote peer because username and/or password is invalid on the domain. */
#define ERROR_REMOTE_AUTHENTICATION_FAILURE      (ROUTEBASE+24)
/* There are no routing enabled ports available for use by this demand dial interface. */
#define ERROR_INTERFACE_HAS_NO_DEVICES           (ROUTEBASE+25)
/* The port has been disconnected due to inactivity. */
#define ERROR_IDLE_DISCONNECTED                  (ROUTEBASE+26)
/* The interface is not reachable at this time. */
#define ERROR_INTERFACE_UNREACHABLE              (ROUTEBASE+27)
/* The Demand Dial service is in a paused state. */
#define ERROR_SERVICE_IS_PAUSED                  (ROUTEBASE+28)
/* The interface has been disconnected by the administrator. */
#define ERROR_INTERFACE_DISCONNECTED             (ROUTEBASE+29)
/* The authentication server did not respond to authentication requests in a timely fashion. */
#define ERROR_AUTH_SERVER_TIMEOUT                (ROUTEBASE+30)
/* The maximum number of ports allowed for use in the multilinked connection has been reached. */
#define ERROR_PORT_LIMIT_REACHED                 (ROUTEBASE+31)
/* The connection time limit for the user has been reached. */
#define ERROR_PPP_SESSION_TIMEOUT                (ROUTEBASE+32)
/* The maximum limit on the number of LAN interfaces supported has been reached. */
#define ERROR_MAX_LAN_INTERFACE_LIMIT            (ROUTEBASE+33)
/* The maximum limit on the number of Demand Dial interfaces supported has been reached. */
#define ERROR_MAX_WAN_INTERFACE_LIMIT            (ROUTEBASE+34)
/* The maximum limit on the number of Remote Access clients supported has been reached. */
#define ERROR_MAX_CLIENT_INTERFACE_LIMIT         (ROUTEBASE+35)
/* The port has been disconnected due to the BAP policy. */
#define ERROR_BAP_DISCONNECTED                   (ROUTEBASE+36)
/* Because another connection of your type is in use, the incoming connection cannot be accepted. */
#define ERROR_USER_LIMIT                         (ROUTEBASE+37)
/* No RADIUS servers were located on the network. */
#define ERROR_NO_RADIUS_SERVERS                  (ROUTEBASE+38)
/* An invalid response was received from the RADIUS authentication server. */
#define ERROR_INVALID_RADIUS_RESPONSE            (ROUTEBASE+39)
/* You do not have permission to connect at this time. */
#define ERROR_DIALIN_HOURS_RESTRICTION           (ROUTEBASE+40)
/* You do not have permission to connect using the current device type. */
#define ERROR_ALLOWED_PORT_TYPE_RESTRICTION      (ROUTEBASE+41)
/* You do not have permission to connect using the selected authentication protocol. */
#define ERROR_AUTH_PROTOCOL_RESTRICTION          (ROUTEBASE+42)
/* BAP is required for this user. */
#define ERROR_BAP_REQUIRED                       (ROUTEBASE+43)
/* The interface is not allowed to connect at this time. */
#define ERROR_DIALOUT_HOURS_RESTRICTION          (ROUTEBASE+44)
/* The saved router configuration is incompatible with the current router. */
#define ERROR_ROUTER_CONFIG_INCOMPATIBLE         (ROUTEBASE+45)
/* RemoteAccess has detected older format user accounts that will not be automatically migrated. */
#define WARNING_NO_MD5_MIGRATION                 (ROUTEBASE+46)
/* The transport is already installed with the router. */
#define ERROR_PROTOCOL_ALREADY_INSTALLED         (ROUTEBASE+48)
/* Invalid length of the Message-Authenticator attribute in the RADIUS packet. */
#define ERROR_INVALID_SIGNATURE_LENGTH           (ROUTEBASE+49)
/* Invalid Message-Authenticator attribute in the RADIUS packet. */
#define ERROR_INVALID_SIGNATURE                  (ROUTEBASE+50)
/* No Message-Authenticator attribute was found in the RADIUS packet. */
#define ERROR_NO_SIGNATURE                       (ROUTEBASE+51)
/* Invalid packet length or identifier in the RADIUS packet. */
#define ERROR_INVALID_PACKET_LENGTH_OR_ID        (ROUTEBASE+52)
/* Invalid attribute length in the RADIUS packet. */
#define ERROR_INVALID_ATTRIBUTE_LENGTH           (ROUTEBASE+53)
/* Invalid packet received. */
#define ERROR_INVALID_PACKET                     (ROUTEBASE+54)
/* The authenticator does not match. */
#define ERROR_AUTHENTICATOR_MISMATCH             (ROUTEBASE+55)
/* Routing and Remote access server is either not configured or not running. */
#define ERROR_REMOTEACCESS_NOT_CONFIGURED        (ROUTEBASE+56)

#endif /* _MPRERROR_H_ */
